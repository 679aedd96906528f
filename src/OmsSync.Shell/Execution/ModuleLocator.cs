namespace OmsSync.Shell.Execution;

/// <summary>
/// Finds the OmsSync module manifest: the path in OMSSYNC_MODULE when that is set, else the
/// first OmsSync.psd1 in the omssync directory or one of its parents (the repository keeps
/// OmsSync.psd1 at its root and omssync in bin/shell).
/// </summary>
internal static class ModuleLocator
{
    public const string EnvironmentVariable = "OMSSYNC_MODULE";
    public const string ManifestName = "OmsSync.psd1";

    /// <summary>Returns the manifest path, or null with <paramref name="problem"/> saying why none was found.</summary>
    public static string? Find(string startDirectory, out string problem)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            string full = Path.GetFullPath(fromEnvironment);
            problem = $"{EnvironmentVariable} is set to '{fromEnvironment}', but no file exists there.";
            return File.Exists(full) ? full : null;
        }

        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, ManifestName);
            if (File.Exists(candidate))
            {
                problem = string.Empty;
                return candidate;
            }
        }

        problem = $"No {ManifestName} was found in '{startDirectory}' or any folder above it, and {EnvironmentVariable} is not set.";
        return null;
    }
}
