// A short, human description of a User-Agent header ("Chrome on Windows") for the devices list.

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/HeadlessChrome/, "Headless Chrome"],
  [/Chrome\//, "Chrome"],
  [/Firefox\//, "Firefox"],
  [/Version\/[\d.]+.*Safari/, "Safari"],
  [/curl\//, "curl"],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Firefox on Linux", or the first 40 characters of an unknown agent. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return "?";
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && os) return `${browser} · ${os}`;
  if (browser || os) return (browser ?? os)!;
  return ua.length > 40 ? `${ua.slice(0, 40)}…` : ua;
}
