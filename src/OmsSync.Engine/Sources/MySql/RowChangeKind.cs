namespace OmsSync.Engine.Sources.MySql;

public enum RowChangeKind { Insert, Update, Delete }
