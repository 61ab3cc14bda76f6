// Phone numbers are stored as E.164 ("+393331234567"). WhatsApp webhooks send bare digits, people type every
// national and international form, and Meta's wa_id differs from the dialled number in Brazil and Mexico, so
// contacts are matched on every form that can denote the same account. This is deliberately table-driven and
// approximate: it knows calling codes, trunk prefixes and a few lengths, not each country's numbering plan.

// ITU-T E.164 country calling codes. Codes are prefix-free, so the first match of the longest prefix wins;
// a code shared by several territories maps to its main one (+44 GB, not GG/JE/IM).
const COUNTRY_BY_CODE = new Map(
  `
  1:US 7:RU 20:EG 27:ZA 30:GR 31:NL 32:BE 33:FR 34:ES 36:HU 39:IT 40:RO 41:CH 43:AT 44:GB 45:DK 46:SE 47:NO
  48:PL 49:DE 51:PE 52:MX 53:CU 54:AR 55:BR 56:CL 57:CO 58:VE 60:MY 61:AU 62:ID 63:PH 64:NZ 65:SG 66:TH 81:JP
  82:KR 84:VN 86:CN 90:TR 91:IN 92:PK 93:AF 94:LK 95:MM 98:IR
  211:SS 212:MA 213:DZ 216:TN 218:LY 220:GM 221:SN 222:MR 223:ML 224:GN 225:CI 226:BF 227:NE 228:TG 229:BJ
  230:MU 231:LR 232:SL 233:GH 234:NG 235:TD 236:CF 237:CM 238:CV 239:ST 240:GQ 241:GA 242:CG 243:CD 244:AO
  245:GW 246:IO 247:AC 248:SC 249:SD 250:RW 251:ET 252:SO 253:DJ 254:KE 255:TZ 256:UG 257:BI 258:MZ 260:ZM
  261:MG 262:RE 263:ZW 264:NA 265:MW 266:LS 267:BW 268:SZ 269:KM 290:SH 291:ER 297:AW 298:FO 299:GL
  350:GI 351:PT 352:LU 353:IE 354:IS 355:AL 356:MT 357:CY 358:FI 359:BG 370:LT 371:LV 372:EE 373:MD 374:AM
  375:BY 376:AD 377:MC 378:SM 379:VA 380:UA 381:RS 382:ME 383:XK 385:HR 386:SI 387:BA 389:MK 420:CZ 421:SK
  423:LI 500:FK 501:BZ 502:GT 503:SV 504:HN 505:NI 506:CR 507:PA 508:PM 509:HT 590:GP 591:BO 592:GY 593:EC
  594:GF 595:PY 596:MQ 597:SR 598:UY 599:CW 670:TL 672:NF 673:BN 674:NR 675:PG 676:TO 677:SB 678:VU 679:FJ
  680:PW 681:WF 682:CK 683:NU 685:WS 686:KI 687:NC 688:TV 689:PF 690:TK 691:FM 692:MH 850:KP 852:HK 853:MO
  855:KH 856:LA 880:BD 886:TW 960:MV 961:LB 962:JO 963:SY 964:IQ 965:KW 966:SA 967:YE 968:OM 970:PS 971:AE
  972:IL 973:BH 974:QA 975:BT 976:MN 977:NP 992:TJ 993:TM 994:AZ 995:GE 996:KG 998:UZ
  `
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(":") as [string, string]),
);

// Global services (freephone, satellite, UIFN…): valid numbers that belong to no country.
const NON_GEOGRAPHIC = new Set(["800", "808", "870", "878", "881", "882", "883", "888", "979"]);

// Everything in +1 that is not the US is told apart by its area code.
const NANP_BY_AREA = new Map<string, string>([
  ...`242:BS 246:BB 264:AI 268:AG 284:VG 340:VI 345:KY 441:BM 473:GD 649:TC 658:JM 664:MS 670:MP 671:GU 684:AS
  721:SX 758:LC 767:DM 784:VC 787:PR 809:DO 829:DO 849:DO 868:TT 869:KN 876:JM 939:PR`
    .split(/\s+/)
    .map((pair) => pair.split(":") as [string, string]),
  // Canada, geographic and overlays through 2025, plus the non-geographic 600/622.
  ...`204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 387 403 416 418 428 431 437 438 450 468 474 506
  514 519 548 579 581 584 587 600 604 613 622 639 647 672 683 705 709 742 753 778 780 782 807 819 825 867 873 879
  902 905 942`
    .split(/\s+/)
    .map((area) => [area, "CA"] as [string, string]),
]);

const CODE_BY_COUNTRY = new Map<string, string>([
  ...[...COUNTRY_BY_CODE].map(([code, country]) => [country, code] as [string, string]),
  ...[...NANP_BY_AREA.values()].map((country) => [country, "1"] as [string, string]),
  ["KZ", "7"], ["GG", "44"], ["JE", "44"], ["IM", "44"], ["SJ", "47"], ["CC", "61"], ["CX", "61"], ["YT", "262"],
  ["AX", "358"], ["BL", "590"], ["MF", "590"], ["BQ", "599"], ["EH", "212"], ["TA", "290"], ["AQ", "672"],
  // +379 is reserved for the Vatican but unused; its numbers are dialled through Rome's +39 06 698.
  ["VA", "39"],
]);

// Where a national number may itself start with 0 (Italian landlines, West African closed plans), so a leading
// 0 is never a trunk prefix to strip.
const KEEPS_LEADING_ZERO = new Set(["IT", "SM", "VA", "CI", "CG", "GA", "BJ"]);

function trunkPrefix(country: string | null): RegExp | null {
  if (!country || KEEPS_LEADING_ZERO.has(country)) return null;
  if (CODE_BY_COUNTRY.get(country) === "1") return /^1(?=\d{10}$)/;
  if (country === "RU" || country === "KZ") return /^8(?=\d{10}$)/;
  if (country === "HU") return /^06/;
  return /^0/;
}

function callingCodeOf(digits: string): string | null {
  for (const length of [3, 2, 1]) {
    const prefix = digits.slice(0, length);
    if (prefix.length === length && (COUNTRY_BY_CODE.has(prefix) || NON_GEOGRAPHIC.has(prefix))) return prefix;
  }
  return null;
}

// Joins calling code and national number, dropping a trunk prefix people often keep ("+44 (0)20…").
function toE164(code: string, national: string, country: string | null): string | null {
  const trunk = trunkPrefix(country);
  const digits = code + (trunk ? national.replace(trunk, "") : national);
  if (digits.length < 7 || digits.length > 15) return null;
  if (code === "1" && !/^1[2-9]\d{9}$/.test(digits)) return null;
  return `+${digits}`;
}

/** Normalizes a typed or webhook phone number to E.164, or null when it cannot be one; national numbers need `defaultCountry` (ISO alpha-2). */
export function normalizePhone(input: string, defaultCountry?: string): string | null {
  const raw = input.trim();
  if (!/^\+?[\d\s().\/-]+$/.test(raw)) return null;
  const digits = raw.replace(/\D/g, "");
  const home = defaultCountry?.toUpperCase() ?? null;
  const homeCode = home ? callingCode(home) : null;
  const exit = raw.startsWith("+") ? 0 : digits.startsWith("00") ? 2 : homeCode === "1" && digits.startsWith("011") ? 3 : -1;
  if (exit >= 0) {
    const full = digits.slice(exit);
    const code = callingCodeOf(full);
    return code ? toE164(code, full.slice(code.length), countryOf(full)) : null;
  }
  if (homeCode) return toE164(homeCode, digits, home);
  // Without a country, only the bare digits WhatsApp sends can be read as international.
  const code = /^\d{8,15}$/.test(raw) ? callingCodeOf(digits) : null;
  return code ? toE164(code, digits.slice(code.length), null) : null;
}

/** The ISO 3166-1 alpha-2 country of an E.164 number (or bare digits), from its calling code; null if unknown or non-geographic. */
export function countryOf(e164: string): string | null {
  const digits = e164.replace(/^\+/, "");
  if (!/^\d+$/.test(digits)) return null;
  const code = callingCodeOf(digits);
  if (code === "1") return NANP_BY_AREA.get(digits.slice(1, 4)) ?? "US";
  if (code === "7") return /^7[67]/.test(digits) ? "KZ" : "RU";
  return code ? COUNTRY_BY_CODE.get(code) ?? null : null;
}

/** The calling code of an ISO alpha-2 country, without "+" ("IT" → "39"); null if unknown. */
export function callingCode(country: string): string | null {
  return CODE_BY_COUNTRY.get(country.toUpperCase()) ?? null;
}

// Brazil added a 9 to mobile numbers (local part starting 6-9) but old accounts keep an 8-digit wa_id; Mexico
// dropped the mobile "1" after 52 in 2019 but wa_id still carries it.
const BR_SHORT = /^55([1-9]{2})([6-9]\d{7})$/;
const BR_LONG = /^55([1-9]{2})9([6-9]\d{7})$/;
const MX_WA = /^521([2-9]\d{9})$/;
const MX_DIALLED = /^52([2-9]\d{9})$/;

/** The digit strings (no "+") that may denote the same WhatsApp account, the input first. */
export function waIdVariants(digitsOrE164: string): string[] {
  const id = digitsOrE164.replace(/\D/g, "");
  let m: RegExpExecArray | null;
  if ((m = BR_SHORT.exec(id))) return [id, `55${m[1]}9${m[2]}`];
  if ((m = BR_LONG.exec(id))) return [id, `55${m[1]}${m[2]}`];
  if ((m = MX_WA.exec(id))) return [id, `52${m[1]}`];
  if ((m = MX_DIALLED.exec(id))) return [id, `521${m[1]}`];
  return [id];
}

/** The dialable E.164 form of a wa_id: Mexico without the "1", Brazilian mobiles with the 9th digit. */
export function e164FromWaId(waId: string): string {
  const id = waId.replace(/\D/g, "");
  let m: RegExpExecArray | null;
  if ((m = MX_WA.exec(id))) return `+52${m[1]}`;
  if ((m = BR_SHORT.exec(id))) return `+55${m[1]}9${m[2]}`;
  return `+${id}`;
}

// The language a business would most likely write in, not every official one: English for India and
// Nigeria, Russian for Kazakhstan.
const LANGUAGE_BY_COUNTRY = new Map(
  Object.entries({
    ar: "AE BH DZ EG IQ JO KW LB LY MA OM PS QA SA SD SY TN YE",
    bg: "BG", bn: "BD", bs: "BA", cs: "CZ", da: "DK",
    de: "AT CH DE LI",
    el: "CY GR",
    en: "AU BB BS BW CA GB GH GY IE IN JM KE MT NG NZ PH SG TT UG US ZA ZM ZW",
    es: "AR BO CL CO CR CU DO EC ES GQ GT HN MX NI PA PE PR PY SV UY VE",
    et: "EE", fa: "AF IR", fi: "FI",
    fr: "BF BJ CD CG CI CM FR GA GN HT LU MC MG ML NE SN TG",
    he: "IL", hr: "HR", hu: "HU", hy: "AM", id: "ID", is: "IS", it: "IT SM VA", ja: "JP", ka: "GE",
    km: "KH", ko: "KR", lt: "LT", lv: "LV", mk: "MK", ms: "MY", my: "MM", nb: "NO", ne: "NP", nl: "BE NL SR",
    pl: "PL", pt: "AO BR CV MZ PT", ro: "MD RO", ru: "BY KG KZ RU", si: "LK", sk: "SK", sl: "SI", sq: "AL XK",
    sr: "ME RS", sv: "SE", sw: "TZ", th: "TH", tr: "TR", uk: "UA", ur: "PK", uz: "UZ", vi: "VN", zh: "CN HK MO TW",
  }).flatMap(([language, countries]) => countries.split(" ").map((country) => [country, language] as const)),
);

/** A best-guess primary language subtag (BCP 47, lowercase) for a country; null when unknown. */
export function languageForCountry(country: string | null): string | null {
  return country ? LANGUAGE_BY_COUNTRY.get(country.toUpperCase()) ?? null : null;
}

/** Hides all but the calling code and the last 3 digits, for logs and screens ("+39•••••••567"). */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, "");
  if (!digits) return "";
  const code = callingCodeOf(digits) ?? "";
  const national = digits.slice(code.length);
  const shown = national.length > 3 ? national.slice(-3) : "";
  return `+${code}${"•".repeat(national.length - shown.length)}${shown}`;
}
