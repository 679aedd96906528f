namespace OmsSync.Shell.CommandLine;

/// <summary>The command line of <c>omssync</c> could not be understood.</summary>
internal sealed class ShellArgumentException(string message) : Exception(message);
