import { describe, expect, test } from "bun:test";
import { callingCode, countryOf, e164FromWaId, languageForCountry, maskPhone, normalizePhone, waIdVariants } from "./phone";

describe("normalizePhone", () => {
  test("international forms", () => {
    expect(normalizePhone("+39 333 123 4567")).toBe("+393331234567");
    expect(normalizePhone("0039 333-1234567")).toBe("+393331234567");
    expect(normalizePhone("+1 (631) 555.1234")).toBe("+16315551234");
    expect(normalizePhone("  +49 30 123456  ")).toBe("+4930123456");
    expect(normalizePhone("+44 20 7946 0958", "IT")).toBe("+442079460958");
    expect(normalizePhone("0044 7700 900123", "IT")).toBe("+447700900123");
  });

  test("keeps the Italian leading 0, drops other countries' trunk 0", () => {
    expect(normalizePhone("+39 06 1234 5678")).toBe("+390612345678");
    expect(normalizePhone("+44 (0)20 7946 0958")).toBe("+442079460958");
    expect(normalizePhone("+44 07700 900123")).toBe("+447700900123");
  });

  test("national numbers with a default country", () => {
    expect(normalizePhone("06 1234 5678", "IT")).toBe("+390612345678");
    expect(normalizePhone("333 1234567", "IT")).toBe("+393331234567");
    expect(normalizePhone("333 1234567", "it")).toBe("+393331234567");
    expect(normalizePhone("07700 900123", "GB")).toBe("+447700900123");
    expect(normalizePhone("030 123456", "DE")).toBe("+4930123456");
    expect(normalizePhone("06 12 34 56 78", "FR")).toBe("+33612345678");
    expect(normalizePhone("(631) 555-1234", "US")).toBe("+16315551234");
    expect(normalizePhone("1-631-555-1234", "US")).toBe("+16315551234");
    expect(normalizePhone("416 555 0199", "CA")).toBe("+14165550199");
    expect(normalizePhone("011 39 333 1234567", "US")).toBe("+393331234567");
    expect(normalizePhone("8 916 123-45-67", "RU")).toBe("+79161234567");
    expect(normalizePhone("06 30 123 4567", "HU")).toBe("+36301234567");
    expect(normalizePhone("612 345 678", "ES")).toBe("+34612345678");
    expect(normalizePhone("0412 345 678", "AU")).toBe("+61412345678");
  });

  test("bare webhook digits are international when no country is given", () => {
    expect(normalizePhone("16505551234")).toBe("+16505551234");
    expect(normalizePhone("393331234567")).toBe("+393331234567");
    expect(normalizePhone("5511987654321")).toBe("+5511987654321");
    expect(normalizePhone("97150123456")).toBe("+97150123456");
  });

  test("rejects what cannot be a phone number", () => {
    expect(normalizePhone("")).toBeNull();
    expect(normalizePhone("   ")).toBeNull();
    expect(normalizePhone("+39 333 abc 4567")).toBeNull();
    expect(normalizePhone("call me")).toBeNull();
    expect(normalizePhone("+39 333 1234567 ext 12")).toBeNull();
    expect(normalizePhone("+39 12")).toBeNull();
    expect(normalizePhone("12", "IT")).toBeNull();
    expect(normalizePhone("+39 3331 2345 6789 0123")).toBeNull();
    expect(normalizePhone("+0 333 1234567")).toBeNull();
    expect(normalizePhone("+28 1234 5678")).toBeNull();
    expect(normalizePhone("333+1234567")).toBeNull();
    expect(normalizePhone("+1 555 1234")).toBeNull();
    expect(normalizePhone("+1 055 555 1234")).toBeNull();
  });

  test("without a country, only bare digits are guessed", () => {
    expect(normalizePhone("(631) 555-1234")).toBeNull();
    expect(normalizePhone("333 1234567")).toBeNull();
    expect(normalizePhone("1234567")).toBeNull();
    expect(normalizePhone("0612345678")).toBeNull();
  });
});

describe("countryOf", () => {
  test("NANP by area code", () => {
    expect(countryOf("+14165551234")).toBe("CA");
    expect(countryOf("+16045551234")).toBe("CA");
    expect(countryOf("+12125551234")).toBe("US");
    expect(countryOf("+18765551234")).toBe("JM");
    expect(countryOf("+16585551234")).toBe("JM");
    expect(countryOf("+17875551234")).toBe("PR");
    expect(countryOf("+19395551234")).toBe("PR");
    expect(countryOf("+18095551234")).toBe("DO");
    expect(countryOf("+16845551234")).toBe("AS");
    expect(countryOf("+12425551234")).toBe("BS");
  });

  test("+7 splits Kazakhstan from Russia", () => {
    expect(countryOf("+77011234567")).toBe("KZ");
    expect(countryOf("+76011234567")).toBe("KZ");
    expect(countryOf("+79161234567")).toBe("RU");
  });

  test("longest prefix and shared codes", () => {
    expect(countryOf("+393331234567")).toBe("IT");
    expect(countryOf("+390669812345")).toBe("IT");
    expect(countryOf("+378549123456")).toBe("SM");
    expect(countryOf("+447700900123")).toBe("GB");
    expect(countryOf("+4712345678")).toBe("NO");
    expect(countryOf("+61412345678")).toBe("AU");
    expect(countryOf("+590690123456")).toBe("GP");
    expect(countryOf("+262692123456")).toBe("RE");
    expect(countryOf("+358401234567")).toBe("FI");
    expect(countryOf("+59991234567")).toBe("CW");
    expect(countryOf("+212612345678")).toBe("MA");
    expect(countryOf("+8801712345678")).toBe("BD");
    expect(countryOf("+971501234567")).toBe("AE");
    expect(countryOf("+353871234567")).toBe("IE");
    expect(countryOf("+27821234567")).toBe("ZA");
    expect(countryOf("5511987654321")).toBe("BR");
  });

  test("unknown, non-geographic and malformed", () => {
    expect(countryOf("+80012345678")).toBeNull();
    expect(countryOf("+2812345678")).toBeNull();
    expect(countryOf("+39 333")).toBeNull();
    expect(countryOf("")).toBeNull();
  });
});

describe("callingCode", () => {
  test("main and shared territories", () => {
    expect(callingCode("IT")).toBe("39");
    expect(callingCode("it")).toBe("39");
    expect(callingCode("US")).toBe("1");
    expect(callingCode("CA")).toBe("1");
    expect(callingCode("JM")).toBe("1");
    expect(callingCode("KZ")).toBe("7");
    expect(callingCode("JE")).toBe("44");
    expect(callingCode("VA")).toBe("39");
    expect(callingCode("BD")).toBe("880");
    expect(callingCode("ZZ")).toBeNull();
  });

  test("round-trips through countryOf", () => {
    for (const country of ["IT", "GB", "BR", "MX", "DE", "FR", "ES", "IN", "NG", "AE", "SM", "CW"]) {
      expect(countryOf(`+${callingCode(country)}912345678`)).toBe(country);
    }
  });
});

describe("waIdVariants", () => {
  test("Brazil in both directions", () => {
    expect(waIdVariants("551187654321")).toEqual(["551187654321", "5511987654321"]);
    expect(waIdVariants("5511987654321")).toEqual(["5511987654321", "551187654321"]);
    expect(waIdVariants("+5511987654321")).toEqual(["5511987654321", "551187654321"]);
  });

  test("Brazilian landlines have no variant", () => {
    expect(waIdVariants("551132654321")).toEqual(["551132654321"]);
  });

  test("Mexico in both directions", () => {
    expect(waIdVariants("5215512345678")).toEqual(["5215512345678", "525512345678"]);
    expect(waIdVariants("525512345678")).toEqual(["525512345678", "5215512345678"]);
    expect(waIdVariants("+525512345678")).toEqual(["525512345678", "5215512345678"]);
  });

  test("other countries are left alone", () => {
    expect(waIdVariants("393331234567")).toEqual(["393331234567"]);
    expect(waIdVariants("+16505551234")).toEqual(["16505551234"]);
  });
});

describe("e164FromWaId", () => {
  test("dialable forms", () => {
    expect(e164FromWaId("5215512345678")).toBe("+525512345678");
    expect(e164FromWaId("525512345678")).toBe("+525512345678");
    expect(e164FromWaId("551187654321")).toBe("+5511987654321");
    expect(e164FromWaId("5511987654321")).toBe("+5511987654321");
    expect(e164FromWaId("551132654321")).toBe("+551132654321");
    expect(e164FromWaId("16505551234")).toBe("+16505551234");
  });
});

describe("languageForCountry", () => {
  test("best guesses", () => {
    const expected: Record<string, string> = {
      IT: "it", ES: "es", MX: "es", BR: "pt", PT: "pt", FR: "fr", DE: "de", AT: "de", CH: "de", US: "en",
      GB: "en", IE: "en", AU: "en", NZ: "en", CA: "en", NL: "nl", BE: "nl", RU: "ru", CN: "zh", JP: "ja",
      IN: "en", SA: "ar", AE: "ar", EG: "ar", MA: "ar", TR: "tr", PL: "pl", RO: "ro", GR: "el", NO: "nb",
    };
    for (const [country, language] of Object.entries(expected)) expect(languageForCountry(country)).toBe(language);
    expect(languageForCountry("it")).toBe("it");
  });

  test("unknown", () => {
    expect(languageForCountry(null)).toBeNull();
    expect(languageForCountry("ZZ")).toBeNull();
  });
});

describe("maskPhone", () => {
  test("keeps the calling code and the last 3 digits", () => {
    expect(maskPhone("+393331234567")).toBe("+39•••••••567");
    expect(maskPhone("+16505551234")).toBe("+1•••••••234");
    expect(maskPhone("+8801712345678")).toBe("+880•••••••678");
    expect(maskPhone("393331234567")).toBe("+39•••••••567");
  });

  test("never reveals a short number", () => {
    expect(maskPhone("+39123")).toBe("+39•••");
    expect(maskPhone("")).toBe("");
  });
});
