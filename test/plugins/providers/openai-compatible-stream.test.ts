import { expect } from 'chai';
import { SwitchyardError } from '../../../core/errors/switchyard-error.js';
import type { StreamChunk } from '../../../core/stream/stream-chunk.js';
import { createOpenAIStreamTranslator } from '../../../plugins/providers/openai-compatible/stream.js';
import type { ErrorContext } from '../../../plugins/providers/shared/errors.js';
import { DEFAULT_TIMEOUTS } from '../../../plugins/providers/shared/timeouts.js';

const ctx: ErrorContext = {
  providerId: 'p',
  redact: (text) => text,
  now: Date.now,
  timeouts: DEFAULT_TIMEOUTS,
};

function chunkText(choices: string): string {
  return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[${choices}],"usage":null}`;
}

const choice = (index: number, finish: string) =>
  `{"index":${index},"delta":{"content":"x"},"logprobs":null,"finish_reason":${finish}}`;

/** Feeds events to one translator; returns the chunks each event emitted. */
function translate(...events: string[]): StreamChunk[][] {
  const translator = createOpenAIStreamTranslator(ctx);
  return events.map((data) => {
    const out: StreamChunk[] = [];
    translator.event(data, undefined, (piece) => void out.push(piece as StreamChunk));
    return out;
  });
}

describe('OpenAI stream translator', () => {
  it('reads the finish reason from the text and leaves the chunk unparsed', () => {
    const [open, closing] = translate(chunkText(choice(0, 'null')), chunkText(choice(0, '"stop"')));
    expect(open?.[0]?.parsed).to.equal(false);
    expect(open?.[0]?.finishes()).to.equal(false);
    expect(closing?.[0]?.parsed).to.equal(false);
    expect(closing?.[0]?.finishes()).to.equal(true);
    expect(closing?.[0]?.chunk.choices[0]?.finish_reason).to.equal('stop');
  });

  it('finds a finish reason in any choice, and in any spacing, event after event', () => {
    const events = [
      chunkText(`${choice(0, 'null')},${choice(1, '"length"')}`),
      chunkText(choice(0, 'null')),
      '{ "choices" : [ { "index" : 0, "delta" : {}, "finish_reason" : "stop" } ] }',
      chunkText(`${choice(0, '"stop"')},${choice(1, 'null')}`),
      chunkText(`${choice(0, 'null')},${choice(1, 'null')}`),
      // Keys after finish_reason in the last choice: another layout, read all the same.
      '{"choices":[{"index":0,"finish_reason":null,"delta":{"content":"x"}}]}',
      '{"choices":[{"index":0,"finish_reason":"stop","delta":{}}]}',
    ];
    const finishes = translate(...events).map((out) => out[0]?.finishes());
    expect(finishes).to.deep.equal([true, false, true, true, false, false, true]);
    for (const out of translate(...events)) expect(out[0]?.parsed).to.equal(false);
  });

  it('takes a chunk without a finish_reason key for a chunk that has not finished', () => {
    const [out] = translate('{"id":"c","choices":[{"index":0,"delta":{"content":"hi"}}]}');
    expect(out?.[0]?.parsed).to.equal(false);
    expect(out?.[0]?.finishes()).to.equal(false);
    expect(out?.[0]?.hasOutput()).to.equal(true);
  });

  it('parses whatever does not look like a chunk, so an error event fails the stream here', () => {
    const error = '{"error":{"message":"overloaded","type":"server_error","code":null}}';
    expect(() => translate(error)).to.throw(SwitchyardError);
    expect(() => translate('{"id":"c","object":"chat.completion.chunk"}')).to.throw(/no choices/);
    expect(() => translate('not json')).to.throw(/not JSON/);
  });

  it('a content delta that spells a key inside its text is still read as content', () => {
    // A quote inside a JSON string is escaped, so the text cannot pass for a key.
    const content =
      '{"choices":[{"index":0,"delta":{"content":"say \\"finish_reason\\":\\"stop\\""},"finish_reason":null}]}';
    const [out] = translate(content);
    expect(out?.[0]?.finishes()).to.equal(false);
    expect(out?.[0]?.chunk.choices[0]?.delta?.content).to.equal('say "finish_reason":"stop"');
  });

  it('an answer that ended without a finish reason or [DONE] is incomplete', () => {
    const translator = createOpenAIStreamTranslator(ctx);
    translator.event(chunkText(choice(0, 'null')), undefined, () => undefined);
    expect(() => translator.end(() => undefined)).to.throw(SwitchyardError);
    const finished = createOpenAIStreamTranslator(ctx);
    finished.event(chunkText(choice(0, '"stop"')), undefined, () => undefined);
    expect(() => finished.end(() => undefined)).not.to.throw();
  });
});
