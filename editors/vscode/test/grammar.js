// Tokenizes a Markdown file with VS Code's Markdown grammar and the specc injection.
// Usage: node grammar.js NODE_MODULES SPEC_FILE; prints [{line, text, scopes}] as JSON.
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, specFile] = process.argv.slice(2).map((p) => path.resolve(p));
const textmate = require(path.join(modules, "vscode-textmate"));
const oniguruma = require(path.join(modules, "vscode-oniguruma"));

const grammars = {
  "text.html.markdown": path.join(modules, "tm-grammars", "grammars", "markdown.json"),
  "markdown.specc.injection": path.join(__dirname, "..", "syntaxes", "specc.markdown.tmLanguage.json"),
  "markdown.specc.heading": path.join(__dirname, "..", "syntaxes", "specc.heading.tmLanguage.json"),
};

async function main() {
  const wasm = fs.readFileSync(path.join(modules, "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = grammars[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file) : null;
    },
    getInjections: (scopeName) =>
      scopeName === "text.html.markdown"
        ? ["markdown.specc.injection", "markdown.specc.heading"]
        : undefined,
  });
  const grammar = await registry.loadGrammar("text.html.markdown");
  let stack = textmate.INITIAL;
  const tokens = [];
  fs.readFileSync(specFile, "utf8").split("\n").forEach((line, number) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) {
      const text = line.slice(token.startIndex, token.endIndex);
      if (text.trim()) {
        tokens.push({ line: number + 1, text, scopes: token.scopes });
      }
    }
    stack = result.ruleStack;
  });
  process.stdout.write(JSON.stringify(tokens));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
