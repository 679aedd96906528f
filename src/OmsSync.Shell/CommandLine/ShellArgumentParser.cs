namespace OmsSync.Shell.CommandLine;

/// <summary>
/// Reads the command line the way pwsh does: options are case-insensitive and may be
/// abbreviated (<c>-f</c>, <c>-c</c>, <c>-nop</c>, <c>-noni</c>); everything after the
/// script path of <c>-File</c> belongs to the script; everything after <c>-Command</c> is
/// joined with spaces into the script text; a first bare argument is taken as <c>-File</c>.
/// </summary>
internal static class ShellArgumentParser
{
    private sealed record Option(string Name, int ShortestPrefix);

    private static readonly Option File = new("File", 1);
    private static readonly Option Command = new("Command", 1);
    private static readonly Option NoProfile = new("NoProfile", 3);
    private static readonly Option NonInteractive = new("NonInteractive", 4);
    private static readonly Option NoLogo = new("NoLogo", 3);
    private static readonly Option NoModule = new("NoModule", 3);
    private static readonly Option ExecutionPolicy = new("ExecutionPolicy", 2);
    private static readonly Option Help = new("Help", 1);
    private static readonly Option Version = new("Version", 1);

    private static readonly Option[] All =
        [File, Command, NoProfile, NonInteractive, NoLogo, NoModule, ExecutionPolicy, Help, Version];

    /// <param name="args">The process arguments.</param>
    /// <param name="stdinRedirected">
    /// Whether standard input is a pipe or file: with no -File or -Command, the script is then read from it.
    /// </param>
    public static ShellOptions Parse(IReadOnlyList<string> args, bool stdinRedirected)
    {
        bool noModule = false, nonInteractive = false;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!LooksLikeOption(arg))
            {
                return ForFile(arg, args.Skip(i + 1), noModule, nonInteractive);
            }

            if (arg is "-?" or "/?")
            {
                return new ShellOptions { Mode = ShellMode.Help };
            }

            Option option = Match(arg);
            if (option == File)
            {
                if (i + 1 >= args.Count)
                {
                    throw new ShellArgumentException("-File needs the path of a script.");
                }

                return ForFile(args[i + 1], args.Skip(i + 2), noModule, nonInteractive);
            }

            if (option == Command)
            {
                var rest = args.Skip(i + 1).ToArray();
                if (rest.Length == 0)
                {
                    throw new ShellArgumentException("-Command needs script text, or - to read it from standard input.");
                }

                bool fromStdin = rest is ["-"];
                return new ShellOptions
                {
                    Mode = ShellMode.Command,
                    CommandText = fromStdin ? null : string.Join(' ', rest),
                    ReadCommandFromStdin = fromStdin,
                    NoModule = noModule,
                    NonInteractive = nonInteractive,
                };
            }

            if (option == Help)
            {
                return new ShellOptions { Mode = ShellMode.Help };
            }

            if (option == Version)
            {
                return new ShellOptions { Mode = ShellMode.Version };
            }

            if (option == ExecutionPolicy)
            {
                i++; // accepted for compatibility with pwsh command lines; policies do not apply here
                continue;
            }

            noModule |= option == NoModule;
            nonInteractive |= option == NonInteractive;
        }

        if (!stdinRedirected)
        {
            return new ShellOptions { Mode = ShellMode.Help };
        }

        return new ShellOptions
        {
            Mode = ShellMode.Command,
            ReadCommandFromStdin = true,
            NoModule = noModule,
            NonInteractive = nonInteractive,
        };
    }

    private static ShellOptions ForFile(string path, IEnumerable<string> scriptArgs, bool noModule, bool nonInteractive) => new()
    {
        Mode = ShellMode.File,
        FilePath = path,
        ScriptArguments = scriptArgs.ToArray(),
        NoModule = noModule,
        NonInteractive = nonInteractive,
    };

    private static bool LooksLikeOption(string arg) => arg.Length > 1 && (arg[0] == '-' || arg == "/?");

    private static Option Match(string arg)
    {
        string name = arg.TrimStart('-');
        var matches = All
            .Where(o => name.Length >= o.ShortestPrefix && o.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        return matches.Length == 1
            ? matches[0]
            : throw new ShellArgumentException($"Unknown option '{arg}'. Run omssync -Help for usage.");
    }
}
