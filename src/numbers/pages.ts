// Numbers pages (list, connect, health panel, edit, templates, webhook setup). Filled in by the numbers UI work.
import type { Deps } from "../deps";
import type { AnyRoute } from "../platform/http";

export function numbersPages(_d: Deps): AnyRoute[] {
  return [];
}
