import { z } from "zod";

/** Who a token belongs to: shown on the run's card ("started by the pipeline <name>") and in the audit. */
export const pipelineTokenName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/,
    "a token's name is letters, digits, '.', '_' and '-' (at most 63), e.g. github-actions",
  );

const sha256Hex = z
  .string()
  .regex(
    /^[0-9a-f]{64}$/,
    'the SHA-256 of the token as 64 lower-case hex digits (printf %s "$TOKEN" | sha256sum), never the token itself',
  );

export const pipelineSchema = z
  .strictObject({
    tokens: z
      .array(z.strictObject({ name: pipelineTokenName, sha256: sha256Hex }))
      .min(1, "list at least one token")
      .refine((tokens) => new Set(tokens.map((t) => t.name)).size === tokens.length, {
        message: "each token name may appear once",
      }),
  })
  .describe(
    "The pipeline API (POST /api/v1/runs with `Authorization: Bearer <token>`): the tokens allowed to start, read and report runs of this service. Only each token's SHA-256 is stored; a request's token is hashed and compared in constant time",
  );

export type PipelineConfig = z.infer<typeof pipelineSchema>;
