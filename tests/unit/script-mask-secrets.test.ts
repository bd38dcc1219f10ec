import { SecretMasker, maskSecrets } from '../../lib/script/mask-secrets';

describe('SecretMasker', () => {
  it('masks every occurrence, longest first', () => {
    expect(maskSecrets('token=abcd1234 again abcd1234 and abcd', ['abcd1234', 'abcd'])).toBe('token=*** again *** and ***');
  });

  it('catches a secret split across chunks, one character at a time too', () => {
    const secret = 'hunter2-very-secret';
    const text = `before ${secret} after ${secret}`;
    for (const size of [1, 2, 3, 7, 100]) {
      const m = new SecretMasker([secret]);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += m.push(text.slice(i, i + size));
      out += m.end();
      expect(out).toBe('before *** after ***');
    }
  });

  it('releases a held-back tail that turned out to be no secret', () => {
    const m = new SecretMasker(['secret-value']);
    expect(m.push('a secr')).toBe('a ');
    expect(m.push('et!')).toBe('secret!');
    expect(m.push('secret-val')).toBe('');
    expect(m.end()).toBe('secret-val');
  });

  it('treats regex characters literally and leaves very short values alone', () => {
    expect(maskSecrets('x a.b*c+d x abc', ['a.b*c+d', 'ab'])).toBe('x *** x abc');
  });
});
