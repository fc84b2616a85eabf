import { z } from 'zod';
import { GraphSchema } from '../../../engine/graph/schema.js';
import type { ParamSpec } from '../../../engine/nodes/params.js';
import type { DatasetInfo, NodeKindInfo } from '../../../engine/protocol/messages.js';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON schema the code view validates and completes with: the file format from
 * the zod schema, plus what only the engine knows — node types, each kind's params
 * with bounds and docs, and dataset names with their params.
 */
export function graphJsonSchema(kinds: readonly NodeKindInfo[], datasets: readonly DatasetInfo[]): JsonSchema {
  const schema = z.toJSONSchema(GraphSchema, { target: 'draft-7' }) as JsonSchema;
  const props = schema.properties as Record<string, JsonSchema>;
  const nodeItems = (props.nodes as { items: JsonSchema }).items;
  const nodeProps = nodeItems.properties as Record<string, JsonSchema>;
  if (kinds.length) {
    nodeProps.type = {
      ...nodeProps.type,
      enum: kinds.map((k) => k.type),
      markdownEnumDescriptions: kinds.map((k) => `**${k.group}** — ${k.summary}`),
    };
    nodeItems.allOf = kinds.map((k) => ({
      if: { properties: { type: { const: k.type } }, required: ['type'] },
      then: { properties: { params: paramsSchema(k.params, `${k.type}: ${k.summary}`) } },
    }));
  }
  const datasetSchema = props.dataset as JsonSchema;
  const datasetProps = datasetSchema.properties as Record<string, JsonSchema>;
  if (datasets.length) {
    datasetProps.name = { ...datasetProps.name, enum: datasets.map((d) => d.name), enumDescriptions: datasets.map((d) => d.summary) };
    datasetSchema.allOf = datasets.map((d) => ({
      if: { properties: { name: { const: d.name } }, required: ['name'] },
      then: { properties: { params: paramsSchema(d.params as Record<string, ParamSpec | StringSpec>, d.summary) } },
    }));
  }
  return schema;
}

type StringSpec = { kind: 'string'; default: string; doc: string };

function paramsSchema(params: Record<string, ParamSpec | StringSpec>, description: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(params)) properties[name] = paramSchema(spec);
  return { type: 'object', description, properties, additionalProperties: false };
}

function paramSchema(spec: ParamSpec | StringSpec): JsonSchema {
  const common = { description: spec.doc, default: spec.default };
  switch (spec.kind) {
    case 'int':
      return { ...common, type: 'integer', minimum: spec.min, maximum: spec.max };
    case 'number':
      return { ...common, type: 'number', ...(spec.exclusiveMin ? { exclusiveMinimum: spec.min } : { minimum: spec.min }), maximum: spec.max };
    case 'boolean':
      return { ...common, type: 'boolean' };
    case 'enum':
      return { ...common, type: 'string', enum: [...spec.options] };
    case 'string':
      return { ...common, type: 'string' };
  }
}
