BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Remove-OmsTask' {
    Test-CmdletContract Remove-OmsTask -Parameters Name, Force -Mandatory ':Name' -ByValue Name -ByPropertyName Name -ConfirmImpact High

    Context 'removing' -Tag Integration {
        It 'removes a task piped from Get-OmsTask' {
            $t = New-TestTask
            Get-OmsTask $t.Task | Remove-OmsTask -Confirm:$false
            Get-OmsTask $t.Task -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
            Remove-TestTask $t
        }
        It 'keeps it with -WhatIf' {
            $t = New-TestTask
            Remove-OmsTask $t.Task -WhatIf
            Get-OmsTask $t.Task | Should -Not -BeNullOrEmpty
            Remove-TestTask $t
        }
        It 'refuses a running task (TaskRunning) and stops and removes it with -Force' {
            $db = New-TestDatabaseName rmrun
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Wait-TestTaskPhase $t.Task
                Remove-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskRunning,*'
                "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
                $workerPid = (Get-OmsTask $t.Task).WorkerPid
                Remove-OmsTask $t.Task -Force -Confirm:$false
                Get-OmsTask $t.Task -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                Get-Process -Id $workerPid -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
        It 'removes a task whose target cannot be reached, with a warning naming the data source and what it left in `oms` there' {
            $t = New-TestTask
            Set-OmsDataSource $t.Target -Port 1 -Confirm:$false
            Remove-OmsTask $t.Task -Confirm:$false -ErrorVariable e -WarningVariable w -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $e | Should -BeNullOrEmpty
            $w | Should -HaveCount 1
            "$($w[0].Message)" | Should -BeLike "*data source '$($t.Target)'*"
            "$($w[0].Message)" | Should -Match ([regex]::Escape('`oms`'))
            "$($w[0].Message)" | Should -BeLike '*Cannot reach*'
            Get-OmsTask $t.Task -ErrorVariable gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            @($gone | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Should -Be @('TaskNotFound')
            Remove-TestTask $t
        }
        It 'removes the next piped name after one that does not exist' {
            $t = New-TestTask
            'no-such-task', $t.Task | Remove-OmsTask -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].TargetObject | Should -Be 'no-such-task'
            Get-OmsTask $t.Task -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Remove-TestTask $t
        }
    }

    Context 'a PostgreSQL source' -Tag Integration {
        It 'drops the replication slot and publication the task owns, and not with -WhatIf' {
            $source = New-TestDataSource Postgres pg
            $target = New-TestDataSource MariaDbB my
            $task = New-TestName t
            $null = New-OmsTask $task -Source $source -Target $target -Include 'public.*' -MigrationType Full, Incremental
            # The name the engine gives the forward direction's slot and publication, from the task as stored (its
            # incarnation is in the name); the naming is internal.
            $naming = [OmsSync.Engine.Model.Direction].Assembly.GetType('OmsSync.Engine.Postgres.Logical.ReplicationObjects')
            $name = $naming.GetMethod('Name').Invoke($null, @((Get-TestStoredTask $task), [OmsSync.Engine.Model.Direction]::Forward))
            Invoke-TestPgSql "CREATE PUBLICATION $name"
            Invoke-TestPgSql "SELECT pg_create_logical_replication_slot('$name', 'pgoutput')"
            Remove-OmsTask $task -WhatIf
            Invoke-TestPgSql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$name'" -Scalar | Should -Be 1
            Remove-OmsTask $task -Confirm:$false
            Invoke-TestPgSql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$name'" -Scalar | Should -Be 0
            Invoke-TestPgSql "SELECT count(*) FROM pg_publication WHERE pubname = '$name'" -Scalar | Should -Be 0
            Get-OmsTask $task -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Remove-OmsDataSource $source, $target -Confirm:$false
        }
    }
}
