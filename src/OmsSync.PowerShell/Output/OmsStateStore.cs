using OmsSync.Engine.State;

namespace OmsSync.PowerShell.Output;

/// <summary>Where a home keeps its state, as Get-OmsStateStore shows it. The password is never shown.</summary>
public sealed class OmsStateStore
{
    internal OmsStateStore(OmsHome home, StateStoreSettings settings)
    {
        Home = home.Path;
        Type = settings.Type;
        Server = settings.Type == StateStoreType.Sqlite ? null : settings.Server;
        Port = settings.Type == StateStoreType.Sqlite ? null : settings.Port;
        Database = settings.Type == StateStoreType.Sqlite ? home.StateDatabase : settings.Database;
        User = settings.Type == StateStoreType.Sqlite ? null : settings.User;
        Location = settings.Describe(home);
    }

    /// <summary>The OMSSYNC_HOME whose state this is.</summary>
    public string Home { get; }
    public StateStoreType Type { get; }
    public string? Server { get; }
    public int? Port { get; }
    /// <summary>The database on the server; for SQLite, the state file.</summary>
    public string Database { get; }
    public string? User { get; }
    /// <summary>Type, user, server, port and database in one line (the SQLite file's path).</summary>
    public string Location { get; }

    public override string ToString() => Location;
}
