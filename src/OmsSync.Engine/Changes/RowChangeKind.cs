namespace OmsSync.Engine.Changes;

public enum RowChangeKind { Insert, Update, Delete }
