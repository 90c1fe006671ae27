/**
 * Validates what the gateway sends to clients against OpenAI's own API schemas. The validator
 * ships with the testing kit (core/testing/conformance), so plugin authors use the same one.
 */
export { assertOpenAIShape, type OpenAISchemaName } from '../../core/testing/conformance/openai-shapes.js';
