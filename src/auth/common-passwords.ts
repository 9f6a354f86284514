/**
 * Passwords that top every leaked-password list (lower-cased). Most are shorter than the
 * default minimum of 12 and are refused by length already; the list matters when
 * auth.password_min_length is lowered towards 8, and catches the long favourites.
 */
export const commonPasswords: ReadonlySet<string> = new Set([
  '12345678', '123456789', '1234567890', '12345678910', '123456789012', '1234567890123', '11111111', '111111111', '1111111111',
  '111111111111', '00000000', '000000000000', '88888888', '87654321', '987654321', '9876543210', '0987654321', '11223344',
  '12341234', '12344321', '123123123', '123123123123', '147258369', '123654789', '159357456', '741852963', '963852741', '1q2w3e4r',
  '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4', 'q1w2e3r4t5', 'q1w2e3r4t5y6', '1qaz2wsx', '1qaz2wsx3edc', 'zaq12wsx', 'zaq1zaq1', 'qazwsxedc',
  'qazwsxedcrfv', 'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty1234', 'qwerty12345', 'qwerty123456', 'qwertyuiop123', 'asdfghjk',
  'asdfghjkl', 'asdfasdf', 'asdf1234', 'zxcvbnm1', 'zxcvbnm123', '1234qwer', 'qwer1234', 'abcd1234', 'abc12345', 'abc123456',
  'abcdefgh', 'abcdefghi', 'abcdefghij', 'abcdefg123', 'aa123456', 'a1234567', 'a12345678', 'a123456789', 'aaaaaaaa', 'password',
  'password1', 'password12', 'password123', 'password1234', 'password12345', 'password123456', 'password!', 'password1!', 'passw0rd',
  'p@ssw0rd', 'p@ssword', 'p@ssword1', 'p@ssw0rd1', 'p@ssw0rd123', 'pass1234', 'pass12345', 'passpass', 'passwort', 'motdepasse',
  'iloveyou', 'iloveyou1', 'iloveyou2', 'iloveyou123', 'sunshine', 'sunshine1', 'princess', 'princess1', 'football', 'football1',
  'baseball', 'basketball', 'superman', 'batman123', 'starwars', 'whatever', 'trustno1', 'letmein1', 'letmein123', 'welcome1',
  'welcome123', 'welcome2024', 'welcome2025', 'welcome2026', 'changeme', 'changeme1', 'changeme123', 'administrator', 'admin123',
  'admin1234', 'admin12345', 'admin123456', 'adminadmin', 'administrator1', 'rootroot', 'root1234', 'toor1234', 'default1',
  'computer', 'internet', 'michelle', 'jennifer', 'jordan23', 'shadow12', 'master12', 'master123', 'monkey123', 'dragon123',
  'charlie1', 'michael1', 'liverpool', 'chelsea1', 'arsenal1', 'mustang1', 'corvette', 'ferrari1', 'mercedes', 'blink182',
  'qwerty12', 'q1w2e3r4t5y6u7', 'secret123', 'secret1234', 'test1234', 'test12345', 'testtest', 'testing123', 'guest1234',
  'summer2024', 'summer2025', 'summer2026', 'winter2024', 'winter2025', 'winter2026', 'spring2025', 'autumn2025', 'spring2026',
  'autumn2026', 'december', 'november', 'september', 'lovelove', 'loveyou1', 'beautiful', 'butterfly', 'chocolate', 'elephant',
  'pokemon1', 'minecraft', 'fortnite', 'whatsup1', 'hello123', 'hello1234', 'helloworld', 'hellohello', 'goodluck', 'freedom1',
  'nopassword', 'mypassword', 'mypassword1', 'yourpassword', 'thisisapassword', 'correcthorsebatterystaple', 'wheelhouse',
  'wheelhouse1', 'wheelhouse123', 'wheelhouse2024', 'wheelhouse2025', 'wheelhouse2026',
]);
