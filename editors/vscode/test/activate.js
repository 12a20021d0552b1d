// Loads the packaged extension with a stand-in for the `vscode` module and checks
// that activate() starts `specc lsp` (from `specc.path`) for *.spec.md files.
// Usage: node activate.js EXTENSION_FOLDER; prints what the client was given as JSON.
"use strict";
const Module = require("module");
const path = require("path");

const folder = path.resolve(process.argv[2]);
const started = [];
const fakeVscode = {
  workspace: {
    getConfiguration: (section) => ({
      get: (key) => (section === "specc" && key === "path" ? " /opt/specc/bin/specc " : undefined),
    }),
    onDidChangeConfiguration: () => ({ dispose() {} }),
  },
};

class FakeLanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.given = { id, name, serverOptions, clientOptions };
  }
  async start() {
    started.push(this.given);
  }
  async stop() {}
}

// Whatever else the real client library touches in `vscode` while loading.
const anything = new Proxy(function () {}, { get: (target, key) => (key === "then" ? undefined : anything) });
const load = Module._load;
let real;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") {
    return parent && parent.filename.startsWith(path.join(folder, "out")) ? fakeVscode : anything;
  }
  if (request === "vscode-languageclient/node" && parent && parent.filename.startsWith(path.join(folder, "out"))) {
    // Load the packaged library itself (its dependencies must be in the package),
    // then stand in for its client, which would start a process.
    real = real || load.call(this, path.join(folder, "node_modules", "vscode-languageclient", "node"), parent, isMain);
    return { ...real, LanguageClient: FakeLanguageClient };
  }
  return load.apply(this, arguments);
};

const extension = require(path.join(folder, require(path.join(folder, "package.json")).main));
const subscriptions = [];
extension
  .activate({ subscriptions })
  .then(() => {
    process.stdout.write(JSON.stringify({ started, subscriptions: subscriptions.length }));
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
