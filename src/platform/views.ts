// Eta templates, preloaded from their text imports and compiled once. Unknown view names throw: that is a
// programming error and shows on the first request (Miniflux template engine).
import { Eta } from "eta";
import { VIEWS } from "./embedded";

/** Renders named views (`@users/index`) with auto-escaping on. */
export class Views {
  private eta = new Eta({ autoEscape: true, autoTrim: [false, "nl"], cache: true, useWith: false });
  private names: Set<string>;

  constructor(templates: Record<string, string> = VIEWS) {
    for (const [name, text] of Object.entries(templates)) this.eta.loadTemplate(name, text);
    this.names = new Set(Object.keys(templates));
  }

  /** Renders `name` with `data` as `it`. */
  render(name: string, data: object): string {
    if (!this.names.has(name)) throw new Error(`unknown view ${name}: add views/${name.slice(1)}.eta and run bun run src/manifest.ts`);
    return this.eta.render(name, data);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }
}
