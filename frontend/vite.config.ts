import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vitest/config";

// The Python back end (uvicorn: FastAPI + python-socketio) serves /api and /socket.io.
const backend = "http://127.0.0.1:8000";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /\.(js|css|svg|json|html|txt|map)$/;

/**
 * Write `name.br` and `name.gz` next to every text asset of the build, once, at the best level:
 * the server sends them as they are (api/spa.py) instead of compressing each response.
 */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "mcc-precompress",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const assets = join(outDir, "assets");
      for (const name of await readdir(assets)) {
        if (!COMPRESSIBLE.test(name)) continue;
        const body = await readFile(join(assets, name));
        const br = await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
        await writeFile(join(assets, `${name}.br`), br);
        await writeFile(join(assets, `${name}.gz`), await gzipAsync(body, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    proxy: {
      "/api": { target: backend, changeOrigin: true },
      "/socket.io": { target: backend, changeOrigin: true, ws: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
  test: {
    environment: "jsdom",
    // The page's origin, which the API client sends its requests to (MSW answers there).
    environmentOptions: { jsdom: { url: "http://mcc.test" } },
    setupFiles: ["./src/testing/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
