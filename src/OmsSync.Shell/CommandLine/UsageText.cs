namespace OmsSync.Shell.CommandLine;

/// <summary>The text printed by <c>omssync -Help</c>.</summary>
internal static class UsageText
{
    public const string Text = """
        omssync - run PowerShell scripts with the OmsSync module on a PowerShell 7.6 engine

        Usage:
          omssync [options] -File <script.ps1> [script arguments...]
          omssync [options] -Command <script text...>
          omssync [options] -Command -            (script text from standard input)
          omssync -Version | -Help

        Options:
          -File, -f            Run a script; the arguments after its path bind to its param()
                               block as with pwsh -File: -Name value, -Name:value, -Switch,
                               -Switch:$false, positional values.
          -Command, -c         Run script text; all remaining arguments are joined by spaces.
          -NoModule            Do not import the OmsSync module.
          -NoProfile           Accepted for pwsh compatibility (no profile is ever loaded).
          -NonInteractive      Never prompt; a prompt fails instead.
          -NoLogo              Accepted for pwsh compatibility.
          -ExecutionPolicy <p> Accepted for pwsh compatibility and ignored.
          -Version, -v         Print the omssync and PowerShell versions.
          -Help, -h, -?        Print this text.

        Module: OMSSYNC_MODULE names the OmsSync.psd1 to import; without it the first
        OmsSync.psd1 found walking up from the omssync directory is used.

        Exit code: with -File, the value of `exit N`, 1 after an uncaught terminating error,
        else 0. With -Command, 1 when the last command failed ($? is false), else 0.
        """;
}
