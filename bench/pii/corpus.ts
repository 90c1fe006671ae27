/**
 * A deterministic, labelled corpus of synthetic prompts for the PII benchmark: support chats,
 * emails, code snippets and logs carrying every entity type at known spans, and messages of hard
 * negatives (identifiers that look like PII but are not) at known spans.
 *
 * `buildCorpus(seed, size)` always returns the same corpus for the same arguments.
 */
import type { EntityType } from '../../plugins/guardrails/pii/index.js';
import { NEGATIVE_KINDS, NEGATIVES, type NegativeKind } from './negatives.js';
import { createRng, type Rng } from './random.js';
import * as v from './values.js';

export interface LabelledSpan<K extends string> {
  kind: K;
  start: number;
  end: number;
  value: string;
}

export type Genre = 'support' | 'email' | 'code' | 'log' | 'negatives';

export interface Sample {
  id: number;
  genre: Genre;
  text: string;
  entities: LabelledSpan<EntityType>[];
  negatives: LabelledSpan<NegativeKind>[];
}

/** Appends text and records where each labelled piece lands. */
class Builder {
  text = '';
  readonly entities: LabelledSpan<EntityType>[] = [];
  readonly negatives: LabelledSpan<NegativeKind>[] = [];

  constructor(readonly rng: Rng) {}

  t(text: string): this {
    this.text += text;
    return this;
  }

  pii(kind: EntityType, text: string): this {
    this.entities.push({ kind, start: this.text.length, end: this.text.length + text.length, value: text });
    return this.t(text);
  }

  neg(kind: NegativeKind = this.rng.pick(NEGATIVE_KINDS)): this {
    const text = NEGATIVES[kind](this.rng);
    this.negatives.push({ kind, start: this.text.length, end: this.text.length + text.length, value: text });
    return this.t(text);
  }

  /** An SSN as people write it; bare and spaced ones come after the words that name them. */
  ssn(): this {
    const d = v.ssn(this.rng);
    const style = this.rng.int(0, 2);
    if (style === 0)
      return this.t(this.rng.pick(['my SSN is ', 'SSN: ', 'tax id '])).pii(
        'ssn',
        `${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
      );
    if (style === 1) return this.t('Social Security number ').pii('ssn', d);
    return this.t('SSN ').pii('ssn', `${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`);
  }
}

type Template = (b: Builder, rng: Rng) => void;

const SUPPORT: Template[] = [
  (b, r) =>
    b
      .t('Customer: Hi, I was charged twice on my card ')
      .pii('card', v.card(r))
      .t(' for ')
      .neg('order-id')
      .t('. Please call me back at ')
      .pii('phone', v.phone(r))
      .t(' or write to ')
      .pii('email', v.email(r))
      .t('.\nAgent: Sorry about that! I have opened ticket ')
      .neg('uuid')
      .t(' and will refund within 5 days.'),
  (b, r) =>
    b
      .t('User: my parcel ')
      .neg('tracking')
      .t(' never arrived. Refund to IBAN ')
      .pii('iban', v.iban(r))
      .t(' please, thanks!\nBot: Got it. Can you confirm the email on the account?\nUser: sure, ')
      .pii('email', v.email(r)),
  (b, r) =>
    b
      .t('Hello, for the loan application: ')
      .ssn()
      .t(', phone ')
      .pii('phone', v.phone(r))
      .t(', card on file ')
      .pii('card', v.card(r))
      .t('. Submitted ')
      .neg('timestamp')
      .t('.'),
  (b, r) =>
    b
      .t('Agent: I see a login from ')
      .pii('ip', v.ip(r))
      .t(' at ')
      .neg('timestamp')
      .t(' — was that you?\nCustomer: No! Mine is ')
      .pii('ip', v.ip(r))
      .t('. My number is ')
      .pii('phone', v.phone(r))
      .t('.'),
];

const EMAIL: Template[] = [
  (b, r) =>
    b
      .t('From: ')
      .pii('email', v.email(r))
      .t('\nTo: ')
      .pii('email', v.email(r))
      .t('\nSubject: Invoice ')
      .neg('order-id')
      .t('\n\nHi,\n\nplease pay by transfer to ')
      .pii('iban', v.iban(r))
      .t('. Questions? Call ')
      .pii('phone', v.phone(r))
      .t('.\n\nBest regards'),
  (b, r) =>
    b
      .t('Dear HR,\n\nmy details for payroll: ')
      .ssn()
      .t(', account ')
      .pii('iban', v.iban(r))
      .t(', personal mail ')
      .pii('email', v.email(r))
      .t('.\nI start on ')
      .neg('timestamp')
      .t('.\n\nThanks'),
  (b, r) =>
    b
      .t('Hi team, the card ')
      .pii('card', v.card(r))
      .t(' expired; the new one is ')
      .pii('card', v.card(r))
      .t('. Shipment ')
      .neg('tracking')
      .t(' is on hold until then. ')
      .neg('not-a-card')
      .t(' is the old contract number.'),
];

const CODE: Template[] = [
  (b, r) =>
    b
      .t('Why does this fail?\n```python\nclient = OpenAI(api_key="')
      .pii('api_key', v.apiKey(r))
      .t('")\nresp = client.chat.completions.create(model="gpt-4o")\n```\nI use openai ')
      .neg('version')
      .t('.'),
  (b, r) =>
    b
      .t('My .env:\n```\nAWS_ACCESS_KEY_ID=')
      .pii('api_key', v.apiKey(r))
      .t('\nGITHUB_TOKEN=')
      .pii('api_key', v.apiKey(r))
      .t('\nDB_HOST=')
      .pii('ip', v.ip(r))
      .t('\nREQUEST_ID=')
      .neg('uuid')
      .t('\n```'),
  (b, r) =>
    b
      .t('curl -H "Authorization: Bearer ')
      .pii('jwt', v.jwt(r))
      .t('" https://api.example.com/v2/users/')
      .neg('not-a-card')
      .t('\nreturns 401, why?'),
  (b, r) =>
    b
      .t('Deploy fails with this key in config.yaml:\n')
      .pii('private_key', v.privateKey(r))
      .t('\nserver: ')
      .pii('ip', v.ip(r))
      .t('\nchart version: ')
      .neg('version'),
  (b, r) =>
    b
      .t("const stripe = new Stripe('")
      .pii('api_key', v.apiKey(r))
      .t("'); // TODO rotate\nconst oid = '")
      .neg('dotted-number')
      .t("';\nconst mac = '")
      .neg('mac-or-time')
      .t("';"),
];

const LOG: Template[] = [
  (b, r) =>
    b
      .neg('timestamp')
      .t(' INFO login ok user=')
      .pii('email', v.email(r))
      .t(' ip=')
      .pii('ip', v.ip(r))
      .t(' session=')
      .neg('uuid')
      .t(' took 123ms'),
  (b, r) =>
    b
      .neg('timestamp')
      .t(' WARN payment declined card=')
      .pii('card', v.card(r))
      .t(' order=')
      .neg('order-id')
      .t(' client=')
      .pii('ip', v.ip(r)),
  (b, r) =>
    b
      .neg('timestamp')
      .t(' ERROR auth token rejected: ')
      .pii('jwt', v.jwt(r))
      .t(' from ')
      .pii('ip', v.ip(r))
      .t(' (app ')
      .neg('version')
      .t(')'),
];

const NEGATIVES_ONLY: Template[] = [
  (b) =>
    b
      .t('Order ')
      .neg('order-id')
      .t(' shipped with ')
      .neg('tracking')
      .t(' on ')
      .neg('timestamp')
      .t('. Ref ')
      .neg('not-a-card')
      .t('.'),
  (b) =>
    b
      .t('Build ')
      .neg('uuid')
      .t(' ran app ')
      .neg('version')
      .t(' on ')
      .neg('mac-or-time')
      .t('; OID ')
      .neg('dotted-number')
      .t('.'),
  (b) =>
    b
      .t('Test data: ')
      .neg('invalid-ssn')
      .t(', ')
      .neg('invalid-iban')
      .t(', ')
      .neg('phone-like')
      .t(', ')
      .neg('email-like')
      .t('.'),
  (b) =>
    b
      .t('Batch ')
      .neg('not-a-card')
      .t(' / ')
      .neg('not-a-card')
      .t(' / ')
      .neg('not-a-card')
      .t(' imported at ')
      .neg('timestamp')
      .t('.'),
  (b) => b.t('ids: ').neg().t(', ').neg().t(', ').neg().t(', ').neg().t('.'),
];

const GENRES: [Genre, Template[]][] = [
  ['support', SUPPORT],
  ['email', EMAIL],
  ['code', CODE],
  ['log', LOG],
  ['negatives', NEGATIVES_ONLY],
];

export function buildCorpus(seed = 20_240_601, size = 750): Sample[] {
  const rng = createRng(seed);
  const samples: Sample[] = [];
  for (let id = 0; id < size; id++) {
    const [genre, templates] = GENRES[id % GENRES.length] as [Genre, Template[]];
    const builder = new Builder(rng);
    rng.pick(templates)(builder, rng);
    samples.push({ id, genre, text: builder.text, entities: builder.entities, negatives: builder.negatives });
  }
  return samples;
}
