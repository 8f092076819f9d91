/** Who opsdeck is acting as, for the header and the audit journal. */
import { send, type AwsContext } from './clients.js';

interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** STS GetCallerIdentity; needs no IAM permission, so it is the cheapest credentials check. */
export async function getIdentity(ctx: AwsContext, signal?: AbortSignal): Promise<CallerIdentity> {
  const out = await send(ctx, 'sts', (sts) => new sts.GetCallerIdentityCommand({}), signal);
  return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
}
