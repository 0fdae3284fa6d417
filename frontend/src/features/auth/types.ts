import type { components } from "@/lib/api-schema";

export type User = components["schemas"]["UserOut"];
export type TokenOut = components["schemas"]["TokenOut"];
export type LoginIn = components["schemas"]["LoginIn"];
export type SetupIn = components["schemas"]["SetupIn"];
export type SetupState = components["schemas"]["SetupStateOut"];
export type TotpSetup = components["schemas"]["TotpSetupOut"];
export type TotpConfirmIn = components["schemas"]["TotpConfirmIn"];
export type RecoveryCodes = components["schemas"]["RecoveryCodesOut"];
export type TotpDisableIn = components["schemas"]["TotpDisableIn"];
export type PasswordChangeIn = components["schemas"]["PasswordChangeIn"];

/** The server's password lengths for every account, in characters (it answers 422 outside them). */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;
export const PASSWORD_TOO_LONG = `That is longer than any password MCC accepts (${MAX_PASSWORD_LENGTH} characters).`;
