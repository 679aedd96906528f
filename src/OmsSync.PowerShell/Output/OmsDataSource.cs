using OmsSync.Engine.Model;

namespace OmsSync.PowerShell.Output;

/// <summary>A registered data source as the cmdlets show it. The password never leaves the state store.</summary>
public sealed class OmsDataSource
{
    internal OmsDataSource(DataSource source)
    {
        Name = source.Name;
        Type = source.Kind;
        Server = source.Server;
        Port = source.Port;
        User = source.User;
        Database = source.Database;
        Created = source.Created;
    }

    public string Name { get; }
    public DataSourceKind Type { get; }
    public string Server { get; }
    public int Port { get; }
    public string User { get; }
    public string? Database { get; }
    public DateTimeOffset Created { get; }
    public string Endpoint => $"{Server}:{Port}";

    public override string ToString() => Name;
}
