/** A minimal Next.js app serving the runtime, for the binding suite under `next start`. */
export default {
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
};
