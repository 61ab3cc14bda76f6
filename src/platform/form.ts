// A parsed HTML form (urlencoded or multipart) with the accessors form handlers need.

type Source = URLSearchParams | FormData;

/** Read-only view of a submitted form. */
export class Form {
  private constructor(private src: Source | null) {}

  static from(src: Source): Form {
    return new Form(src);
  }

  static empty(): Form {
    return new Form(null);
  }

  /** The trimmed text value of `name`, or "" when absent. */
  get(name: string): string {
    const v = this.src?.get(name);
    return typeof v === "string" ? v.trim() : "";
  }

  /** The value exactly as sent (passwords are not trimmed). */
  raw(name: string): string {
    const v = this.src?.get(name);
    return typeof v === "string" ? v : "";
  }

  /** Every text value of a repeated field (checkboxes, multi-selects). */
  all(name: string): string[] {
    return (this.src?.getAll(name) ?? []).filter((v): v is string => typeof v === "string").map((v) => v.trim());
  }

  has(name: string): boolean {
    return !!this.src?.has(name);
  }

  /** An uploaded file, or null when none was chosen. */
  file(name: string): File | null {
    const v = this.src?.get(name);
    return v instanceof File && v.size > 0 ? v : null;
  }

  /** Plain object of the text fields, to re-fill a form after a validation error. */
  values(): Record<string, string> {
    const out: Record<string, string> = {};
    this.src?.forEach((v, k) => {
      if (typeof v === "string" && k !== "_csrf" && !/password|code/i.test(k)) out[k] = v;
    });
    return out;
  }
}
