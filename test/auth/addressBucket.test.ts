import { expect } from 'chai';
import { addressBucket } from '../../src/auth/addressBucket.js';

describe('addressBucket: the unit an address limit counts', () => {
  it('keeps IPv4 addresses, including IPv4-mapped IPv6 ones, as they are', () => {
    expect(addressBucket('203.0.113.7')).to.equal('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).to.equal('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 together, however it is written', () => {
    const buckets = ['2001:db8:1:2::1', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2:0:0:0:abcd', '2001:db8:1:2::1%eth0'].map(addressBucket);
    expect(new Set(buckets)).to.deep.equal(new Set(['2001:db8:1:2::/64']));
  });

  it('keeps different /64s apart', () => {
    expect(addressBucket('2001:db8:1:3::1')).to.equal('2001:db8:1:3::/64');
    expect(addressBucket('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(addressBucket('::1')).to.equal('0:0:0:0::/64');
    expect(addressBucket('fe80::1:2:3:4')).to.equal('fe80:0:0:0::/64');
  });
});
