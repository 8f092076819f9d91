/**
 * The AWS adapters' public surface. Nothing here imports an SDK package
 * statically: importing this file costs no AWS SDK start-up.
 */
export { createAwsContext, send, type AwsContext, type AwsContextOptions, type AwsService, type SdkOverrides } from './clients.js';
export { resolveAwsSettings, type AwsSettings, type CredentialSource, type ResolvedAwsSettings } from './credentials.js';
export { AwsError, describeAwsError, errorKind, type AwsCall, type AwsErrorKind } from './errors.js';
export { getIdentity, type CallerIdentity } from './identity.js';
export { AwsEcsSource, createEcsSource, describeTaskDefinition, listRevisions, type AwsEcsSnapshot } from './ecs.js';
export type { TaskDefinitionSummary, TaskDefinitionContainer, TaskDefinitionRevision } from './taskDefinitions.js';
