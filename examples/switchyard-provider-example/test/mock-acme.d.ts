import type { ConformanceRequestRecord, ConformanceUpstream } from 'switchyard/testing';

export interface AcmeRequestRecord extends ConformanceRequestRecord {
  headers: Record<string, string | string[] | undefined>;
}

export declare function startMockAcme(): Promise<
  ConformanceUpstream & { readonly requests: readonly AcmeRequestRecord[] }
>;
