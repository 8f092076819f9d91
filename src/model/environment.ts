/** Facts about the environment on screen, for the header and the action guards. */
export interface EnvironmentInfo {
  name: string;
  protected: boolean;
  readOnly: boolean;
  /** while read-only: what lifts it, e.g. "restart with --write" (only a protected environment needs --write) */
  readOnlyCure?: string;
  region: string;
  /** AWS account id or "sandbox" */
  account: string;
  /** who we are: an ARN, or "demo" in the sandbox */
  identity: string;
  /** the scenario name when running on the sandbox */
  scenario?: string;
}
