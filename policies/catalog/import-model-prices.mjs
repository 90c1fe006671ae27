// Regenerates default-models.json from a LiteLLM-format price list (USD per token):
//   node policies/catalog/import-model-prices.mjs /path/to/model-prices.json "July 2026 mirror"
// Run by hand when prices change; the gateway never reads the source file at run time.
import { readFileSync, writeFileSync } from 'node:fs';

const [source, label = 'unknown date'] = process.argv.slice(2);
if (!source) {
  console.error('usage: import-model-prices.mjs <model-prices.json> [source label]');
  process.exit(2);
}
const prices = JSON.parse(readFileSync(source, 'utf8'));
const VENDORS = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  'vertex_ai-language-models': 'google',
  deepseek: 'deepseek',
  xai: 'xai',
  moonshot: 'moonshot',
  zhipu: 'zhipu',
  minimax: 'minimax',
};
const SKIP = /audio|realtime|tts|transcribe|image|live|search|deep-research|computer-use|robotics|thinking/;
const perMillion = (perToken) => Math.round(perToken * 1e12) / 1e6;

const models = {};
for (const id of Object.keys(prices).sort()) {
  const m = prices[id];
  const vendor = VENDORS[m.litellm_provider];
  if (!vendor || SKIP.test(id) || (m.mode !== 'chat' && m.mode !== 'embedding')) continue;
  if (typeof m.input_cost_per_token !== 'number') continue;
  if (models[id] && vendor === 'google' && m.litellm_provider !== 'gemini') continue;
  const pricing = {
    input: perMillion(m.input_cost_per_token),
    output: perMillion(m.output_cost_per_token ?? 0),
  };
  if (typeof m.cache_read_input_token_cost === 'number')
    pricing.cachedInput = perMillion(m.cache_read_input_token_cost);
  const entry = { vendor, kind: m.mode === 'embedding' ? 'embeddings' : 'chat', pricing };
  if (m.max_input_tokens) entry.contextWindow = m.max_input_tokens;
  if (m.mode === 'chat' && m.max_output_tokens) entry.maxOutputTokens = m.max_output_tokens;
  entry.capabilities =
    m.mode === 'embedding'
      ? ['embeddings']
      : [
          'chat',
          ...(m.supports_native_streaming === false ? [] : ['streaming']),
          ...(m.supports_function_calling ? ['tools'] : []),
          ...(m.supports_vision ? ['vision'] : []),
          ...(m.supports_response_schema ? ['json_schema'] : []),
          ...(m.supports_reasoning ? ['reasoning'] : []),
        ];
  models[id] = entry;
}
const out = {
  source: `LiteLLM model_prices_and_context_window.json format, Wei-Shaw/model-price-repo mirror (MIT), ${label}`,
  units: 'pricing in USD per million tokens',
  models,
};
writeFileSync(new URL('./default-models.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`${Object.keys(models).length} models written`);
