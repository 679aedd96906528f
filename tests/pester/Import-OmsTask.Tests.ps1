BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
    $work = Join-Path $stateHome 'files'
    $null = New-Item -ItemType Directory $work
    function Get-ErrorId($Records) { @($Records | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }
    # The target's rows of each table, in key order, as one text to compare.
    function Get-TargetRows([string] $Database) {
        $tables = Invoke-TestSql MariaDbB "SELECT table_name FROM information_schema.tables WHERE table_schema = '$Database' ORDER BY table_name" -Column
        ($tables | ForEach-Object {
            $columns = (Invoke-TestSql MariaDbB "SELECT CONCAT('``', column_name, '``') FROM information_schema.columns WHERE table_schema = '$Database' AND table_name = '$_' ORDER BY ordinal_position" -Column) -join ', '
            "$_($columns): " + (Invoke-TestSql MariaDbB "SET SESSION group_concat_max_len = 1048576; SELECT GROUP_CONCAT(CONCAT_WS('|', $columns) ORDER BY 1 SEPARATOR ';') FROM ``$Database``.``$_``" -Scalar)
        }) -join "`n"
    }
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Import-OmsTask' {
    Test-CmdletContract Import-OmsTask -Parameters Path, Name, Source, Target -Mandatory ':Path' -ByValue Path -ByPropertyName Path -ConfirmImpact Low

    Context 'recreating an exported task' -Tag Integration {
        It 'imports on a fresh state home a task that runs identically' {
            $db = New-TestDatabaseName imp
            Invoke-TestSql MariaDbA @"
CREATE DATABASE ``$db``;
CREATE TABLE ``$db``.orders (id INT PRIMARY KEY, note VARCHAR(20), total DECIMAL(8,2), secret_col INT);
CREATE TABLE ``$db``.items (id INT PRIMARY KEY, name VARCHAR(20));
CREATE TABLE ``$db``.tmp_x (id INT PRIMARY KEY);
INSERT INTO ``$db``.orders SELECT seq, CONCAT('n', seq % 3), seq / 4, seq FROM ``$db``.seq_1_to_60;
INSERT INTO ``$db``.items SELECT seq, CONCAT('item ', seq) FROM ``$db``.seq_1_to_25;
INSERT INTO ``$db``.tmp_x VALUES (1);
"@
            $home2 = $null
            try {
                $source = New-TestDataSource MariaDbA src
                $target = New-TestDataSource MariaDbB dst
                $name = New-TestName imp
                $null = New-OmsTask $name -Source $source -Target $target -Include "$db.*" -Exclude "$db.tmp_*" -Rename @{ $db = "${db}_t"; "$db.items" = 'goods' } `
                    -RowFilter @{ "$db.orders" = "note <> 'n1'" } -Column @{ "$db.orders" = 'id', 'note', 'total' } -MigrationType Schema, Full -Resources Small -ChunkRows 7 -Label prod
                Set-OmsConflictPolicy $name -Table "$db.orders" -Policy Overwrite -Confirm:$false
                $path = Join-Path $work "$name.json"
                $null = Export-OmsTask $name -Path $path
                $null = Start-OmsForward $name -Wait
                $first = Get-TargetRows "${db}_t"
                $first | Should -Match 'goods'
                Invoke-TestSql MariaDbB "DROP DATABASE ``${db}_t``"

                # Another state home knows the data sources by the same names, with their own stored passwords.
                $home2 = New-TestHome
                $null = New-TestDataSource MariaDbA -Name $source
                $null = New-TestDataSource MariaDbB -Name $target
                $imported = Import-OmsTask $path
                $imported.Name | Should -Be $name
                "$($imported.Status)" | Should -Be 'Created'
                Export-OmsTask $name | Should -Be ((Get-Content -Raw $path).TrimEnd())
                $null = Start-OmsForward $name -Wait
                Get-TargetRows "${db}_t" | Should -Be $first
            } finally {
                if ($home2) { Remove-TestHome $home2 }
                $env:OMSSYNC_HOME = $stateHome
                Remove-TestDatabase $db
            }
        }
        It 'gives the task another name and other data sources with -Name, -Source and -Target' {
            $t = New-TestTask
            try {
                $path = Join-Path $work 'other.json'
                $null = Export-OmsTask $t.Task -Path $path
                $other = New-TestDataSource MariaDbB other
                $copy = Import-OmsTask $path -Name (New-TestName other) -Target $other
                $copy.Target | Should -Be $other
                $copy.Source | Should -Be $t.Source
                Remove-OmsTask $copy.Name -Confirm:$false
                Remove-OmsDataSource $other -Confirm:$false
            } finally { Remove-TestTask $t }
        }
    }

    Context 'refusing a file before storing anything' -Tag Integration {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'text that is not JSON'; Text = 'not json'; ErrorId = 'InvalidTaskFile' }
            @{ Case = 'another format'; Text = '{"Format":"Other/1","Task":null}'; ErrorId = 'InvalidTaskFile' }
            @{ Case = 'an unknown property'; Edit = { param($j) $j.Task | Add-Member NoteProperty RowFilter @{} }; ErrorId = 'InvalidTaskFile' }
            @{ Case = 'a data source not registered here'; Edit = { param($j) $j.Task.Source = 'no-such-source' }; ErrorId = 'DataSourceNotFound' }
            @{ Case = 'a bad limit'; Edit = { param($j) $j.Task.WriteConcurrency = 0 }; ErrorId = 'InvalidWriteConcurrency' }
        ) {
            $t = New-TestTask
            try {
                $path = Join-Path $work "bad-$([guid]::NewGuid().ToString('N').Substring(0, 6)).json"
                if ($Text) { $Text | Set-Content $path }
                else {
                    $json = Export-OmsTask $t.Task | ConvertFrom-Json
                    & $Edit $json
                    $json | ConvertTo-Json -Depth 10 | Set-Content $path
                }
                $name = New-TestName bad
                Import-OmsTask $path -Name $name -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-ErrorId $e | Should -Contain $ErrorId
                "$($e[0])" | Should -Not -BeNullOrEmpty
                Get-OmsTask $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            } finally { Remove-TestTask $t }
        }
        It 'says which file cannot be read (TaskFileNotRead)' {
            Import-OmsTask (Join-Path $work 'missing.json') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskFileNotRead,*'
            "$($e[0])" | Should -BeLike '*missing.json*'
        }
    }
}
