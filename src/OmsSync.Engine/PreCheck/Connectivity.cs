using System.Diagnostics;
using OmsSync.Engine.Errors;

namespace OmsSync.Engine.PreCheck;

/// <summary>The first pre-check of any data source: can a connection be opened, and how long did it take.</summary>
internal static class Connectivity
{
    /// <summary>Opens the connection the other checks use; on failure adds the failed check and returns null.</summary>
    public static async Task<(T? Connection, long Milliseconds)> OpenAsync<T>(Func<CancellationToken, Task<T>> open, string name,
        List<CheckResult> results, CancellationToken cancellationToken) where T : class
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return (await open(cancellationToken).ConfigureAwait(false), clock.ElapsedMilliseconds);
        }
        catch (OmsException e)
        {
            results.Add(CheckResult.Fail("Connectivity", e.Message, name));
            return (null, clock.ElapsedMilliseconds);
        }
    }
}
