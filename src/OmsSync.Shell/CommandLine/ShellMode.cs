namespace OmsSync.Shell.CommandLine;

/// <summary>What the command line asks the shell to do.</summary>
internal enum ShellMode
{
    /// <summary>Run a script file with arguments bound to its param() block.</summary>
    File,

    /// <summary>Run script text given on the command line or read from standard input.</summary>
    Command,

    /// <summary>Print usage and exit.</summary>
    Help,

    /// <summary>Print the version and exit.</summary>
    Version,
}
