BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Resume-OmsTask' {
    Test-CmdletContract Resume-OmsTask -Parameters Name, Direction, PassThru -Mandatory ':Name' -ByValue Name -ByPropertyName Name, Direction -ConfirmImpact Medium

    Context 'resuming' -Tag Integration {
        It 'refuses a task that never started (TaskNeverStarted)' {
            $t = New-TestTask
            Resume-OmsTask $t.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskNeverStarted,*'
            "$($e[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
            $e[0].TargetObject | Should -Be $t.Task
            Remove-TestTask $t
        }
        It 'continues a suspended task from its checkpoint, not with -WhatIf' {
            $db = New-TestDatabaseName resume
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY); INSERT INTO ``$db``.t VALUES (1)"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Suspend-OmsTask $t.Task -Confirm:$false
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t VALUES (2), (3)"
                Resume-OmsTask $t.Task -WhatIf
                "$((Get-OmsTask $t.Task).Status)" | Should -Be 'Suspended'
                $resumed = Resume-OmsTask $t.Task -PassThru -Confirm:$false
                "$($resumed.Status)" | Should -Be 'Running'
                $resumed.WorkerPid | Should -BeGreaterThan 0
                Wait-TestCondition -What 'the rows written while suspended' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 3 }
                Resume-OmsTask $t.Task -Direction Forward -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskAlreadyRunning,*'
            } finally { Remove-TestTask $t; Remove-TestDatabase $db }
        }
    }
}
