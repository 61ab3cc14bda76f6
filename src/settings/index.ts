export { createSettings, type SettingsService } from "./service";
export { SETTINGS, SETTING_KEYS, type SettingKey, type SettingsValues } from "./definitions";
export { settingsRoutes } from "./routes";
