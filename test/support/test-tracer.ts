/**
 * A minimal in-memory OpenTelemetry tracer provider, standing in for a host's SDK: it records
 * every span (name, ids, parent, attributes, status) so tests can check what the gateway made.
 */
import { randomBytes } from 'node:crypto';
import {
  trace,
  type Attributes,
  type AttributeValue,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

export interface RecordedSpan {
  name: string;
  context: SpanContext;
  parentSpanId: string | undefined;
  attributes: Attributes;
  status: SpanStatus | undefined;
  ended: boolean;
}

class RecordingSpan implements Span {
  constructor(private readonly record: RecordedSpan) {}
  spanContext = () => this.record.context;
  setAttribute(key: string, value: AttributeValue) {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes) {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent = () => this;
  addLink = () => this;
  addLinks = () => this;
  setStatus(status: SpanStatus) {
    this.record.status = status;
    return this;
  }
  updateName(name: string) {
    this.record.name = name;
    return this;
  }
  end() {
    this.record.ended = true;
  }
  isRecording = () => !this.record.ended;
  recordException = () => undefined;
}

export function createTestTracerProvider(): TracerProvider & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  const startSpan = (name: string, options: SpanOptions = {}, context?: Context): Span => {
    const parent = context ? trace.getSpanContext(context) : undefined;
    const record: RecordedSpan = {
      name,
      context: {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: 1,
      },
      parentSpanId: parent?.spanId,
      attributes: { ...options.attributes },
      status: undefined,
      ended: false,
    };
    spans.push(record);
    return new RecordingSpan(record);
  };
  const tracer = {
    startSpan,
    startActiveSpan: () => {
      throw new Error('not used by the gateway');
    },
  } as unknown as Tracer;
  return { spans, getTracer: () => tracer };
}
