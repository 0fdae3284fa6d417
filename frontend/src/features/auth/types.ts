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

/** The server's minimum password length for the first account (it answers 422 below it). */
export const MIN_PASSWORD_LENGTH = 10;
