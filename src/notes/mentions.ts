// @mentions in a note: "@Maria Rossi" (the display name, spaces allowed) or "@maria.rossi" (the part of the
// email before @), without case. Names hold spaces, so the longest handle that fits wins: "@Anna Maria ciao"
// mentions Anna Maria rather than Anna when both exist.

export interface Mentionable {
  id: number;
  name: string;
  email: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/** The ids of users mentioned in `text`, in order of first mention. */
export function findMentions(text: string, users: Mentionable[]): number[] {
  const handles = users
    .flatMap((u) => [u.name, u.email.split("@")[0] ?? ""].map((h) => ({ id: u.id, h: h.trim().toLocaleLowerCase("und") })))
    .filter((x) => x.h.length > 0)
    .sort((a, b) => b.h.length - a.h.length);
  const lower = text.toLocaleLowerCase("und");
  const found: number[] = [];
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    // "anna@example.com" inside a sentence is an address, not a mention.
    if (at > 0 && WORD.test(lower[at - 1]!)) continue;
    const rest = lower.slice(at + 1);
    const fits = handles.filter((x) => rest.startsWith(x.h) && !WORD.test(rest[x.h.length] ?? " "));
    const best = fits[0]?.h.length;
    for (const x of fits) if (x.h.length === best && !found.includes(x.id)) found.push(x.id);
  }
  return found;
}
