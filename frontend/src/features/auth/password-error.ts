import { errorMessage, type ApiError } from "@/lib/api-client";

/** The server's `invalid_credentials`, in the words of a form that asked for the password only. */
export function passwordError(error: ApiError | null): string | null {
  if (error?.code === "invalid_credentials") return "Wrong password.";
  return errorMessage(error);
}
