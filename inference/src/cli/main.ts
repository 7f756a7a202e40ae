import { Command, Option } from 'commander';
import { ConfigError, type ConfigEnv } from '../config';
import { DEVICES, DTYPES, ENGINES } from '../engine/types';
import { DomainError } from '../errors';
import { serve } from '../main';
import { predict } from './predict';
import { pull } from './pull';

interface CommonFlags {
  model?: string;
  engine?: string;
  ggufFile?: string;
  quant?: string;
  device?: string;
  dtype?: string;
}

function withModelFlags(command: Command): Command {
  return command
    .option(
      '--model <folder|file|hub-id>',
      'model folder, .gguf file or Hugging Face Hub id (env MODEL; default: the embedded tiny model)',
    )
    .addOption(
      new Option(
        '--engine <engine>',
        'inference engine (env ENGINE; default: by what the model holds)',
      ).choices([...ENGINES]),
    )
    .option('--gguf-file <name>', 'which GGUF file of a folder or repository (env GGUF_FILE)')
    .option('--quant <label>', 'the GGUF file with this quantization, e.g. Q4_K_M (env QUANT)')
    .addOption(new Option('--device <device>', 'where to run (env DEVICE)').choices([...DEVICES]))
    .addOption(new Option('--dtype <dtype>', 'weight precision (env DTYPE)').choices([...DTYPES]));
}

function overridesOf(flags: CommonFlags & { port?: string; host?: string }): ConfigEnv {
  return {
    MODEL: flags.model,
    ENGINE: flags.engine,
    GGUF_FILE: flags.ggufFile,
    QUANT: flags.quant,
    DEVICE: flags.device,
    DTYPE: flags.dtype,
    PORT: flags.port,
    HOST: flags.host,
  };
}

const program = new Command('llm-deploy')
  .description('Serve a language model with OpenAI- and Replicate/Cog-compatible APIs')
  // Commander's usage errors as one line, like every other error here (subcommands inherit this).
  .configureOutput({
    outputError: (message, write) =>
      write(`llm-deploy: ${message.replace(/^error: /, '').trimEnd()} (see --help)\n`),
  });

withModelFlags(
  program
    .command('predict')
    .description('run one prediction and stream it to stdout, like `cog predict -i prompt=...`')
    .option(
      '-i, --input <key=value>',
      'an input, repeatable (prompt or pregunta, max_new_tokens, temperature, top_p, top_k, repetition_penalty, seed, stop_sequences, system_prompt)',
      (v: string, all: string[]) => [...all, v],
      [],
    ),
).action((flags: CommonFlags & { input: string[] }) => predict(flags.input, overridesOf(flags)));

withModelFlags(
  program
    .command('serve')
    .description('start the HTTP server')
    .option('--port <port>', 'port to listen on (env PORT, default 8080)')
    .option('--host <host>', 'address to bind (env HOST, default 127.0.0.1)'),
).action((flags: CommonFlags & { port?: string; host?: string }) => serve(overridesOf(flags)));

withModelFlags(
  program
    .command('pull')
    .description(
      'download a Hub model into a folder, to serve with --model <folder> and no network',
    )
    .requiredOption('--out <folder>', 'the model folder to write'),
).action((flags: CommonFlags & { out: string }) => pull(flags.out, overridesOf(flags)));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`llm-deploy: ${problem}`);
  } else if (error instanceof DomainError) {
    console.error(`llm-deploy: ${error.message}`);
  } else {
    console.error(
      `llm-deploy: unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
});
