/**
 * JSON Schema for editors (yaml-language-server, VS Code, JetBrains) so a
 * typo is underlined while the file is written rather than at 3 a.m.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

const CONFIG_SCHEMA_ID = 'urn:opsdeck:config';

export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, {
    // input: keys with defaults are optional to the person writing the file
    io: 'input',
    // draft-07 is the newest draft every YAML editor plugin handles fully
    target: 'draft-07',
    override: (ctx) => {
      // editors check "format": a url written as ${HEALTH_URL} would be flagged though opsdeck accepts it
      if (ctx.jsonSchema.format === 'uri') delete ctx.jsonSchema.format;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: CONFIG_SCHEMA_ID,
    title: 'opsdeck configuration',
    description: 'Environments, the AWS, Redis, PostgreSQL and HTTP resources opsdeck watches, and their thresholds.',
    ...rest,
  };
}

/** The exact text of schema/opsdeck.schema.json. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
