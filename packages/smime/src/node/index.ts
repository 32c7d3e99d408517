/// <reference types="node" />
export { rsaRawDecrypt } from './rsa-raw-decrypt.js';
