namespace OmsSync.Shell.CommandLine;

/// <summary>The parsed command line of <c>omssync</c>.</summary>
internal sealed record ShellOptions
{
    public required ShellMode Mode { get; init; }

    /// <summary>The script path for <see cref="ShellMode.File"/>.</summary>
    public string? FilePath { get; init; }

    /// <summary>The arguments after the script path, passed to the script as pwsh -File does.</summary>
    public IReadOnlyList<string> ScriptArguments { get; init; } = [];

    /// <summary>The script text for <see cref="ShellMode.Command"/>; null with <see cref="ReadCommandFromStdin"/>.</summary>
    public string? CommandText { get; init; }

    /// <summary>True for <c>-Command -</c> (or no command at all with redirected input).</summary>
    public bool ReadCommandFromStdin { get; init; }

    /// <summary>Run without importing the OmsSync module.</summary>
    public bool NoModule { get; init; }

    /// <summary>Never prompt: a prompt becomes an error.</summary>
    public bool NonInteractive { get; init; }
}
