import { describe, expect, test } from "bun:test";
import { ConfigError, OPTIONS, loadConfig } from "./config";

describe("config", () => {
  test("defaults make a working demo", () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe("0.0.0.0");
    expect(c.baseUrl).toBe("http://localhost:3000");
    expect(c.simulator).toBe("auto");
    expect(c.waGraphUrl).toBe("https://graph.facebook.com");
    expect(c.logLevel).toBe("info");
    expect(Object.isFrozen(c)).toBe(true);
  });

  test("every contract variable is in the table", () => {
    const names = OPTIONS.map((o) => o.env).sort();
    expect(names).toEqual(
      ["ADMIN_EMAIL", "ADMIN_PASSWORD", "BASE_URL", "DATA_DIR", "HOST", "LOG_LEVEL", "PORT", "SECRET_KEY", "SIMULATOR", "TLS_CERT", "TLS_KEY", "TRUSTED_PROXIES", "WA_APP_SECRET", "WA_GRAPH_URL", "WA_GRAPH_VERSION", "WA_VERIFY_TOKEN"].sort(),
    );
  });

  test("a bad value stops startup with a message naming the variable", () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error("expected a ConfigError");
    };
    expect(bad({ PORT: "abc" })).toContain("PORT must be a whole number");
    expect(bad({ PORT: "70000" })).toContain("PORT must be between 0 and 65535");
    expect(bad({ SIMULATOR: "maybe" })).toContain("SIMULATOR must be one of on, off, auto");
    expect(bad({ BASE_URL: "example.com" })).toContain("BASE_URL must be an absolute URL");
    expect(bad({ TLS_CERT: "/x.pem" })).toContain("TLS_CERT and TLS_KEY must be set together");
    expect(bad({ TRUSTED_PROXIES: "10.0.0.0/8, proxy.lan" })).toContain('TRUSTED_PROXIES "proxy.lan" is not an IP address or CIDR range');
    expect(bad({ ADMIN_EMAIL: "a@b.co" })).toContain("ADMIN_PASSWORD must be set");
    const secret = bad({ SECRET_KEY: "short-secret-value" });
    expect(secret).toContain("SECRET_KEY must be at least 32 characters");
    expect(secret).not.toContain("short-secret-value");
    expect(bad({ PORT: "x", LOG_LEVEL: "loud" })).toMatch(/PORT[\s\S]*LOG_LEVEL/);
  });

  test("BASE_URL follows TLS and PORT when unset", () => {
    expect(loadConfig({ PORT: "8443", TLS_CERT: "c", TLS_KEY: "k" }).baseUrl).toBe("https://localhost:8443");
    expect(loadConfig({ BASE_URL: "https://chat.example.com/" }).baseUrl).toBe("https://chat.example.com");
  });
});
