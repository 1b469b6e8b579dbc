// Writes the machine-readable contract (docs/contract.json): `npm run contract`.
import { writeFileSync } from 'node:fs';
import { buildContract, CONTRACT_FILE, renderContract } from '../contract.js';

const contract = await buildContract();
writeFileSync(CONTRACT_FILE, renderContract(contract));
console.log(`${CONTRACT_FILE}: ${Object.keys(contract.commands).length} commands`);
