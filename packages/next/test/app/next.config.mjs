/**
 * A minimal Next.js app serving the runtime, for the binding suite under `next start`.
 * `next build` type-checks it: app/api/copilotkit/[[...slug]]/route.ts is the README's route file.
 */
export default {
  eslint: { ignoreDuringBuilds: true },
  poweredByHeader: false,
};
