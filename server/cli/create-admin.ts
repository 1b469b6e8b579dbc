// Creates an admin account: `npm run admin:create -- <username>` (the password is read from
// ROUNDTABLE_ADMIN_PASSWORD or asked for on the terminal, never taken from the command line).
import { createInterface } from 'node:readline/promises';
import { Password, Username } from '../../shared/session.js';
import { loadConfig } from '../config.js';
import { createIdentityService } from '../identity/service.js';
import { openConfiguredStores } from '../stores.js';

const config = loadConfig();
const username = Username.safeParse(process.argv[2]);
if (!username.success) {
  console.error('usage: npm run admin:create -- <username>   (3–32 letters, digits, . _ -)');
  process.exit(2);
}
let password = process.env.ROUNDTABLE_ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question('Password (at least 10 characters): ');
  rl.close();
}
if (!Password.safeParse(password).success) {
  console.error('The password must be 10 to 200 characters.');
  process.exit(2);
}
const stores = await openConfiguredStores(config);
try {
  const identity = createIdentityService(stores.identity);
  const user = await identity.createStaff({ username: username.data, password, displayName: 'Administrator', role: 'admin' });
  console.log(`Created admin ${user.username}.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : 'Could not create the admin.');
  process.exitCode = 1;
} finally {
  await stores.close();
}
