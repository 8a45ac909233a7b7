/** A Next.js app serving the runtime with short request body limits, for body-limits.test.ts under `next start`. */
export default {
  eslint: { ignoreDuringBuilds: true },
  poweredByHeader: false,
};
