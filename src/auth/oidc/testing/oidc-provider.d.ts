/** oidc-provider ships no types; the tests use only its documented configuration (see provider.ts). */
declare module 'oidc-provider';
