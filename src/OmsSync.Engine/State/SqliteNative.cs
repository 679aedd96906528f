using System.Reflection;
using System.Runtime.InteropServices;

namespace OmsSync.Engine.State;

/// <summary>
/// Inside a PowerShell module the host's deps.json knows nothing of our native SQLite library, so
/// the runtime would not look in runtimes/&lt;rid&gt;/native beside our assemblies. Point it there.
/// </summary>
internal static class SqliteNative
{
    private static int _registered;

    public static void EnsureResolvable()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        Assembly provider;
        try
        {
            provider = Assembly.Load("SQLitePCLRaw.provider.e_sqlite3");
        }
        catch (FileNotFoundException)
        {
            return;
        }
        try
        {
            NativeLibrary.SetDllImportResolver(provider, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone else registered a resolver for this assembly already; theirs stands.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (NativeLibrary.TryLoad(name, assembly, path, out var handle))
            return handle;
        var baseDir = Path.GetDirectoryName(assembly.Location) ?? AppContext.BaseDirectory;
        var fileName = OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";
        foreach (var rid in CandidateRids())
        {
            var candidate = Path.Combine(baseDir, "runtimes", rid, "native", fileName);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out handle))
                return handle;
        }
        return IntPtr.Zero;
    }

    private static IEnumerable<string> CandidateRids()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsWindows()) yield return $"win-{arch}";
        else if (OperatingSystem.IsMacOS()) yield return $"osx-{arch}";
        else
        {
            var musl = File.Exists("/etc/alpine-release");
            yield return musl ? $"linux-musl-{arch}" : $"linux-{arch}";
            yield return $"linux-{arch}";
        }
    }
}
