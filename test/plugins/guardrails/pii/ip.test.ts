import { expect } from 'chai';
import { detectIpv4, detectIpv6, validIpv6 } from '../../../../plugins/guardrails/pii/index.js';

const v4 = (text: string): string[] => detectIpv4(text).map((finding) => finding.value);
const v6 = (text: string): string[] => detectIpv6(text).map((finding) => finding.value);

describe('detectIpv4', () => {
  it('finds valid dotted quads, also next to ports and prefixes', () => {
    const text = 'from 192.168.1.10:8080, 10.0.0.0/8, 8.8.8.8 and 255.255.255.255.';
    expect(v4(text)).to.deep.equal(['192.168.1.10', '10.0.0.0', '8.8.8.8', '255.255.255.255']);
  });

  it('rejects out-of-range octets, leading zeros and wrong part counts', () => {
    expect(v4('256.1.1.1 1.2.3 10.0.0.01 1.2.3.4.5 192.168.1')).to.deep.equal([]);
  });

  it('rejects version strings and glued prefixes', () => {
    expect(v4('version 10.2.0.1, build 4.1.0.12, v1.2.3.4, release 2.0.0.1')).to.deep.equal([]);
  });

  it('keeps an address after a word that merely contains a version word', () => {
    expect(v4('server 10.1.2.3')).to.deep.equal(['10.1.2.3']);
  });
});

describe('detectIpv6', () => {
  it('finds full, compressed and IPv4-mapped addresses', () => {
    const text =
      'a 2001:0db8:85a3:0000:0000:8a2e:0370:7334 b 2001:db8::1. c fe80::1ff:fe23:4567:890a d ::ffff:192.0.2.1';
    expect(v6(text)).to.deep.equal([
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '2001:db8::1',
      'fe80::1ff:fe23:4567:890a',
      '::ffff:192.0.2.1',
    ]);
  });

  it('rejects MAC addresses, clock times, C++ scopes and malformed groups', () => {
    const text =
      '00:1a:2b:3c:4d:5e 12:30:45 std::vector dead::beef 2001:db8:::1 2001:db8::12345 1:2:3:4:5:6:7:8:9';
    expect(v6(text)).to.deep.equal([]);
    expect(validIpv6('1::2::3')).to.equal(false);
  });
});
