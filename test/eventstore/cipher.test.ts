import { expect } from 'chai';
import { newDataKey, open, seal } from '../../src/eventstore/shredding/cipher.js';

describe('AES-256-GCM boxes', () => {
  const key = newDataKey();
  const plaintext = Buffer.from('{"notes":"private"}', 'utf8');

  it('opens what it sealed, under the same key and context only', () => {
    const box = seal(key, plaintext, 'user:1');
    expect(open(key, box, 'user:1').toString('utf8')).to.equal(plaintext.toString('utf8'));
    expect(() => open(key, box, 'user:2')).to.throw();
    expect(() => open(newDataKey(), box, 'user:1')).to.throw();
    const tampered = Buffer.from(box);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => open(key, tampered, 'user:1')).to.throw();
  });

  it('never reuses a nonce, across the pool they are drawn from being replaced', () => {
    // 341 nonces per pool: 2,000 seals replace it five times.
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) nonces.add(seal(key, plaintext, 'user:1').subarray(0, 12).toString('hex'));
    expect(nonces.size).to.equal(2000);
  });

  it('a box is nonce, tag and ciphertext: 28 bytes beside the plaintext', () => {
    expect(seal(key, plaintext, 'user:1').length).to.equal(plaintext.length + 28);
  });
});
