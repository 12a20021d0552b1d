// Starts `specc lsp` for specs (*.spec.md) and restarts it when `specc.path` changes.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The `specc` command the user configured, or `specc` on PATH. */
function speccCommand(): string {
  const configured = vscode.workspace.getConfiguration("specc").get<string>("path");
  return configured && configured.trim() ? configured.trim() : "specc";
}

/** Create the client for `specc lsp` over stdio, for Markdown specs. */
function createClient(): LanguageClient {
  const serverOptions: ServerOptions = {
    command: speccCommand(),
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown", pattern: "**/*.spec.md" },
      { scheme: "untitled", language: "markdown" },
    ],
    outputChannelName: "specc",
  };
  return new LanguageClient("specc", "specc", serverOptions, clientOptions);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createClient();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("specc.path")) {
        return;
      }
      await client?.stop();
      client = createClient();
      await client.start();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
